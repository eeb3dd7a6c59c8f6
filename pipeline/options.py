"""One options object for the whole pipeline; the CLI's flags are derived from it (see cli.py).

Declare an option once, here, with its type, default and help; ``add_arguments`` turns it into
an argparse flag and ``from_namespace`` back into a validated ``Options``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

ModelT = TypeVar("ModelT", bound=BaseModel)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which a container or taskset may narrow)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jobs: int = Field(
        default_factory=available_cores,
        ge=1,
        description="worker processes (default: all cores; more than the cores available is cut to them unless --force-jobs)",
    )
    force_jobs: bool = Field(default=False, description="start --jobs workers even when it exceeds the cores available")
    resume: bool = Field(
        default=False, description="skip inputs that already have a complete record for the same content and options"
    )
    restore: bool = Field(default=True, description="run the diacritic restoration stage (--no-restore turns it off)")
    lang: str = Field(
        default="vie+Vietnamese",
        description="Tesseract language(s): vie+Vietnamese (default; lower CER on degraded scans, ~1.5-2x Tesseract time) or vie (faster)",
    )
    dpi: int = Field(default=300, ge=50, le=1200, description="rasterisation resolution for PDF pages")
    preprocess: bool = Field(
        default=True, description="clean up page images before OCR (--no-preprocess: raw Tesseract)"
    )
    force_ocr: bool = Field(default=False, description="OCR PDF pages even when they carry a usable text layer")
    skip_text: bool = Field(
        default=False,
        description="keep the text layer of any PDF page that has usable text, even a scan's (planocr 0.3's rule)",
    )
    redo_ocr: bool = Field(
        default=False,
        description="OCR scanned PDF pages that carry an invisible OCR layer instead of keeping it (born-digital pages keep their text)",
    )
    trust_roots: str | None = Field(
        default=None,
        description="PEM/DER certificate file or folder of trusted roots for checking PDF signatures; without it their trust is 'not checked'",
    )
    page_timeout: float = Field(
        default=180.0,
        gt=0,
        allow_inf_nan=False,
        description="seconds Tesseract may spend on one page before the page fails",
    )
    max_text_mb: float = Field(
        default=10.0,
        gt=0,
        allow_inf_nan=False,
        description="largest .txt input read, in MB (10^6 bytes); a larger one fails as unsupported",
    )
    fail_fast: bool = Field(default=False, description="stop the batch at the first failed input")
    log_json: bool = Field(default=False, description="log one JSON object per event on stderr instead of plain lines")
    executor: Literal["process", "ray"] = Field(
        default="process", description="where documents run: local process pool or a Ray cluster"
    )
    address: str | None = Field(
        default=None, description="Ray cluster address (with --executor ray); default starts a local instance"
    )
    pdf: bool = Field(
        default=False,
        description="also write OUTDIR/<name>.pdf: PDF/A-2b of the scan with the corrected text as an invisible layer",
    )
    alto: bool = Field(default=False, description="also write OUTDIR/<name>.alto.xml: ALTO 4 of the OCR'd pages")
    group: Literal["file", "folder"] = Field(
        default="file",
        description="file: every file is a document; folder: a folder whose files are all page images is one document",
    )

    @model_validator(mode="after")
    def _one_text_layer_rule(self) -> Options:
        chosen = [f"--{k.replace('_', '-')}" for k in ("force_ocr", "skip_text", "redo_ocr") if getattr(self, k)]
        if len(chosen) > 1:
            raise ValueError(f"choose one of {', '.join(chosen)}")
        if self.trust_roots is not None:
            from .load.signatures import load_trust_roots

            if not os.path.exists(self.trust_roots):
                raise ValueError(f"--trust-roots: no such file or folder: {self.trust_roots}")
            if not load_trust_roots(self.trust_roots):
                raise ValueError(f"--trust-roots: no PEM or DER certificate in {self.trust_roots}")
        return self

    def fingerprint(self) -> str:
        """Hash of the options that change a record's content (used by --resume)."""
        relevant = {
            k: getattr(self, k) for k in ("restore", "lang", "dpi", "preprocess", "force_ocr", "skip_text", "redo_ocr")
        }
        if self.trust_roots is not None:  # the roots' content, not their path, decides what is trusted
            from .load.signatures import trust_roots_digest

            relevant["trust_roots"] = trust_roots_digest(self.trust_roots)
        return hashlib.sha256(repr(sorted(relevant.items())).encode()).hexdigest()[:16]


# Short aliases for a few flags; everything else is --field-name.
_SHORT = {"jobs": "-j"}


def add_arguments(parser: argparse.ArgumentParser, model: type[BaseModel] = Options) -> None:
    """Add one flag per model field. Booleans that default to True get a --no-<name> flag."""
    for name, field in model.model_fields.items():
        flag = "--" + name.replace("_", "-")
        default = field.get_default(call_default_factory=True)
        help_text = field.description or ""
        if field.annotation is bool:
            if default:
                parser.add_argument("--no-" + name.replace("_", "-"), dest=name, action="store_false", help=help_text)
            else:
                parser.add_argument(flag, dest=name, action="store_true", help=help_text)
            parser.set_defaults(**{name: default})
            continue
        names = [flag] + ([_SHORT[name]] if name in _SHORT else [])
        choices = (
            getattr(field.annotation, "__args__", None) if str(field.annotation).startswith("typing.Literal") else None
        )
        parser.add_argument(
            *names,
            dest=name,
            default=default,
            choices=choices,
            type=None if choices else _scalar_type(default),  # type: ignore[arg-type]
            help=f"{help_text} (default: {default})",
        )


def _scalar_type(default):
    if isinstance(default, bool) or default is None:
        return str
    return type(default)


def from_namespace(ns: argparse.Namespace, model: type[ModelT]) -> ModelT:
    """Validated options; a bad value is a one-line usage error naming the flag (exit 2), not a traceback."""
    from pydantic import ValidationError

    from .errors import UsageError

    values = {name: getattr(ns, name) for name in model.model_fields if hasattr(ns, name)}
    try:
        return model(**values)
    except ValidationError as err:
        problems = "; ".join(
            f"--{'-'.join(str(p) for p in e['loc']).replace('_', '-')}: {e['msg']}" for e in err.errors()
        )
        raise UsageError(problems) from None
