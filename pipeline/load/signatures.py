"""The input PDF's digital signatures (PAdES / CMS), read offline with pyHanko.

For each signature: the field's name, the signer (the signing certificate's subject common name), the
subject's organisation, the issuing CA, the signing time the signature claims (ISO 8601), whether the
signed bytes are intact (their digest matches and the signature over it verifies), how much of the file
it covers, whether the certificate chains to a trusted root, and the page of its visible box.

Trust is checked only against roots the user gives (``--trust-roots FILE_OR_DIR``, PEM or DER): nothing is
fetched and no root store is bundled (the Vietnamese government CAs are in none), so without roots the
answer is "not checked" — never "valid". Integrity is checked whatever the algorithms: most provincial
signatures of 2021-2025 are SHA-1 (pyHanko's default policy refuses it), and a changed byte must still be
found out in them.

Reading signatures never fails the document: a signature pyHanko cannot read is recorded with what
the signature dictionary says (field, time, page), ``intact`` null, and a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model import DigitalSignature

# How far into the file the "%PDF-" header may start (some tools prepend bytes; PDF readers tolerate it,
# and the signatures' byte ranges then count from the header).
HEADER_SEARCH_BYTES = 1024


COVERAGE = {"ENTIRE_FILE": "entire file", "ENTIRE_REVISION": "entire revision"}


def read_signatures(path: Path, trust_roots: str | None = None) -> tuple[list[DigitalSignature], list[str]]:
    """The file's signatures in the order the file lists them, and warnings. Never raises for a bad
    signature or file: what could be read is recorded and the rest is said in a warning."""
    warnings: list[str] = []
    try:
        data, offset = pdf_bytes(path)
    except FileNotFoundError:
        return [], []  # gone since its pages were read: nothing to say about signatures
    except OSError as err:
        return [], [f"digital signatures: file unreadable ({err.strerror or err})"]
    if not has_signature_marker(data):
        return [], []
    if offset:
        warnings.append(
            f"digital signatures: {offset} bytes before the PDF header were left out (the signatures count from it)"
        )
    pages = widget_pages(data)
    roots = load_trust_roots(trust_roots) if trust_roots else None
    try:
        with quiet_pyhanko():
            from pyhanko.pdf_utils.reader import PdfFileReader

            reader = PdfFileReader(io.BytesIO(data), strict=False)
            embedded = list(reader.embedded_signatures)
    except Exception as err:
        warnings.append(f"digital signatures: pyHanko cannot read the file ({describe(err)}); dictionaries only")
        return fallback_signatures(data, pages), warnings
    signatures = []
    for signature in embedded:
        record, notes = read_one(signature, roots, pages)
        signatures.append(record)
        warnings.extend(f"digital signature {record.field or '?'}: {note}" for note in notes)
    return signatures, warnings


def read_one(signature: Any, roots: list | None, pages: dict[str, int]) -> tuple[DigitalSignature, list[str]]:
    notes: list[str] = []
    values: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        values["field"] = str(signature.field_name)
    values["page"] = pages.get(values.get("field", ""))
    try:
        cert = signature.signer_cert
        subject = cert.subject.native
        values["signer"] = first(subject.get("common_name"))
        values["organisation"] = first(subject.get("organization_name"))
        values["issuer"] = first(cert.issuer.native.get("common_name"))
    except Exception as err:
        notes.append(f"signing certificate unreadable ({describe(err)})")
    try:
        moment = signature.self_reported_timestamp
        values["signed_at"] = moment.isoformat() if moment is not None else None
    except Exception:
        pass
    try:
        status = validate(signature, roots)
    except Exception as err:
        notes.append(f"integrity could not be checked ({describe(err)})")
        return DigitalSignature(**values), notes
    values["intact"] = bool(status.intact and status.valid)
    level = getattr(status.coverage, "name", None)
    values["coverage"] = COVERAGE.get(level or "", "partial")
    if roots is not None:
        values["trusted"] = "trusted" if status.trusted else "untrusted"
    if not values["intact"]:
        notes.append("the signed bytes were changed or the signature does not verify")
    modification = getattr(getattr(status, "modification_level", None), "name", None)
    if values["coverage"] == "entire revision" and modification not in (None, "NONE", "LTA_UPDATES", "FORM_FILLING"):
        notes.append(f"the file was changed after signing ({modification.lower().replace('_', ' ')})")
    return DigitalSignature(**values), notes


def validate(signature: Any, roots: list | None) -> Any:
    """pyHanko's status of one signature: integrity with every algorithm accepted; the chain of trust
    against ``roots`` only (no fetching; without roots the trust answer is not used)."""
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    context = ValidationContext(trust_roots=roots or [], allow_fetching=False, revocation_mode="soft-fail")
    policy = CMSAlgorithmUsagePolicy.lift_policy(AcceptAllAlgorithms())
    with quiet_pyhanko():
        return asyncio.run(
            async_validate_pdf_signature(signature, signer_validation_context=context, algorithm_policy=policy)
        )


def pdf_bytes(path: Path) -> tuple[bytes, int]:
    """The file from its "%PDF-" header on, and how many bytes came before it."""
    data = path.read_bytes()
    offset = data.find(b"%PDF-", 0, HEADER_SEARCH_BYTES)
    return (data[offset:], offset) if offset > 0 else (data, 0)


def has_signature_marker(data: bytes) -> bool:
    """A quick look before parsing: a signed PDF has a /ByteRange (in a compressed object stream it may
    not show; /Sig then usually does in the field)."""
    return b"/ByteRange" in data or b"/Sig" in data


def widget_pages(data: bytes) -> dict[str, int]:
    """Fully qualified signature field name -> page number of its widget (the first one), from pikepdf."""
    import pikepdf

    found: dict[str, int] = {}
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                for annot in page.obj.get("/Annots", []) or []:
                    with contextlib.suppress(Exception):
                        name = qualified_name(annot)
                        if name and field_type(annot) == "/Sig" and name not in found:
                            found[name] = number
    except Exception:
        return found
    return found


def qualified_name(node: Any) -> str | None:
    parts = []
    for _ in range(32):
        if node is None:
            break
        title = node.get("/T")
        if title is not None:
            parts.append(str(title))
        node = node.get("/Parent")
    return ".".join(reversed(parts)) or None


def field_type(node: Any) -> str | None:
    for _ in range(32):
        if node is None:
            return None
        value = node.get("/FT")
        if value is not None:
            return str(value)
        node = node.get("/Parent")
    return None


def fallback_signatures(data: bytes, pages: dict[str, int]) -> list[DigitalSignature]:
    """What the signature dictionaries say when pyHanko cannot read the file: field, time, page."""
    import pikepdf

    records = []
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            form = pdf.Root.get("/AcroForm")
            fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
            for field in walk_fields(fields):
                value = field.get("/V")
                if field_type(field) != "/Sig" or not isinstance(value, pikepdf.Dictionary):
                    continue
                name = qualified_name(field)
                records.append(
                    DigitalSignature(
                        field=name,
                        signer=str(value.get("/Name")) if value.get("/Name") is not None else None,
                        signed_at=pdf_date(str(value.get("/M"))) if value.get("/M") is not None else None,
                        page=pages.get(name or ""),
                    )
                )
    except Exception:
        return records
    return records


def walk_fields(fields: Any, depth: int = 0) -> Iterator[Any]:
    for field in fields or []:
        yield field
        if depth < 16:
            yield from walk_fields(field.get("/Kids"), depth + 1)


def pdf_date(text: str) -> str | None:
    """A PDF date ("D:20250107104425+07'00'") in ISO 8601, or None."""
    from pyhanko.pdf_utils.generic import parse_pdf_date

    try:
        return parse_pdf_date(text).isoformat()
    except Exception:
        return None


def first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value is not None else None


def describe(err: BaseException) -> str:
    text = str(err).splitlines()[0][:160] if str(err) else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


@contextlib.contextmanager
def quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs every failed path build and weak algorithm at ERROR with a traceback; the record says
    what matters, so its loggers are silenced while it works."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


# --- trust roots ------------------------------------------------------------------------------------


def certificate_files(location: str) -> list[Path]:
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())
    return [path]


@functools.lru_cache(maxsize=8)
def load_trust_roots(location: str) -> list:
    """Every certificate in a PEM or DER file, or in the files of a folder (other files are skipped)."""
    from asn1crypto import pem, x509

    roots = []
    for file in certificate_files(location):
        try:
            data = file.read_bytes()
        except OSError:
            continue
        blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        for blob in blobs:
            with contextlib.suppress(Exception):
                certificate = x509.Certificate.load(blob)
                _ = certificate.native  # parse now: a file that is not a certificate is skipped, not fatal later
                roots.append(certificate)
    return roots


def trust_roots_digest(location: str) -> str:
    """A digest of the roots' files (for --resume: other roots may change what is trusted)."""
    digest = hashlib.sha256()
    for file in certificate_files(location):
        with contextlib.suppress(OSError):
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]
