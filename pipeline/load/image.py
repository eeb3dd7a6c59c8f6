"""Image inputs (PNG, JPEG, TIFF incl. multi-page): frames decoded to 8-bit arrays, capped in size."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..errors import (
    UnreadableInputError,
)
from .page import MAX_IMAGE_PIXELS, cap_size


def open_image(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(path)
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise UnreadableInputError(
            f"not a valid image ({type(err).__name__}); is the file damaged or misnamed?", path=str(path)
        ) from None
    except Image.DecompressionBombError:
        raise UnreadableInputError("image is absurdly large (possible decompression bomb)", path=str(path)) from None
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise UnreadableInputError(
            f"image is absurdly large ({width}x{height} px; limit {MAX_IMAGE_PIXELS // 1_000_000} Mpx)", path=str(path)
        )
    return image


def count_image_frames(path: Path) -> int:
    image = open_image(path)
    with image:
        frames = getattr(image, "n_frames", 1)
        try:  # check the first frame now so garbage after a valid header fails here, not mid-batch
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if image.format == "PNG" and frames == 1:
                    # chunk structure and checksums, without inflating: a cut or garbled file fails here
                    # at ~3 ms instead of a full decode (~150 ms for a 300-DPI page) in the parent,
                    # which the worker repeats anyway
                    image.verify()
                else:
                    image.load()
        except Exception as err:
            raise UnreadableInputError(
                f"not a valid image (decoding failed: {type(err).__name__}: {str(err)[:120]})", path=str(path)
            ) from None
    return max(1, frames)


def load_image_frame(path: Path, number: int) -> np.ndarray:
    image = open_image(path)
    with image:
        fast = decode_plain_image(path, image) if number == 1 else None
        if fast is not None:
            return cap_size(fast)
    return load_image_frame_with_pillow(path, number)


def decode_plain_image(path: Path, image) -> np.ndarray | None:
    """A single-frame 8-bit gray or RGB PNG/JPEG without orientation tag or transparency, decoded by
    OpenCV (~20% faster than Pillow on a 300-DPI PNG page) to exactly what Pillow gives; None for
    anything else (palette, alpha, 16-bit, CMYK, EXIF rotation, several frames), which Pillow decodes."""
    import cv2

    if image.format not in ("PNG", "JPEG") or image.mode not in ("L", "RGB") or getattr(image, "n_frames", 1) != 1:
        return None
    if "transparency" in image.info:
        return None
    data = np.fromfile(path, np.uint8)
    if image.format == "PNG":
        if not png_is_plain(data.tobytes()):
            return None
    elif image.getexif().get(0x0112, 1) != 1:  # EXIF (or XMP) Orientation; read from the header for JPEG
        return None
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    channels = 1 if image.mode == "L" else 3
    if (
        decoded is None
        or decoded.dtype != np.uint8
        or decoded.shape[:2] != (image.height, image.width)
        or (decoded.shape[2] if decoded.ndim == 3 else 1) != channels
    ):
        return None  # OpenCV read it differently: leave it to Pillow
    if channels == 1:
        return decoded
    if is_grey(decoded):  # channel order does not matter for the test
        return pillow_luma(decoded)
    return decoded  # already BGR, OpenCV's order, as image_to_uint8 returns colour pages


# PNG chunks after which Pillow and OpenCV could disagree: transparency, EXIF, and text that may
# carry an XMP orientation (Pillow's getexif() would decode the whole image to look for them).
PNG_UNPLAIN_CHUNKS = {b"tRNS", b"eXIf"}


PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}


def png_is_plain(data: bytes) -> bool:
    """Walks the PNG's chunk headers (no decoding): no transparency, no EXIF, no orientation in text."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if kind in PNG_UNPLAIN_CHUNKS:
            return False
        if kind in PNG_TEXT_CHUNKS and (
            kind != b"tEXt" or b"Orientation" in data[position + 8 : position + 8 + length]
        ):
            return False  # zTXt and iTXt (where XMP lives) may be compressed: not worth inflating here
        if kind == b"IEND":
            return True
        position += 12 + length
    return False  # truncated: Pillow gives the error message


def pillow_luma(bgr: np.ndarray) -> np.ndarray:
    """Pillow's RGB -> L conversion (ITU-R 601-2 in 16-bit fixed point, rounded), bit for bit."""
    b, g, r = (bgr[:, :, i].astype(np.uint32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)


def load_image_frame_with_pillow(path: Path, number: int) -> np.ndarray:
    from PIL import ImageOps

    image = open_image(path)
    with image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image.seek(number - 1)
                frame = ImageOps.exif_transpose(image)  # phone photos store rotation in EXIF
                frame.load()
        except EOFError:
            raise UnreadableInputError(f"image has no frame {number}", path=str(path)) from None
        except Exception as err:
            raise UnreadableInputError(
                f"not a valid image (decoding failed: {type(err).__name__}: {str(err)[:120]})", path=str(path)
            ) from None
        array = image_to_uint8(frame)
    return cap_size(array)


def image_to_uint8(frame) -> np.ndarray:
    """Any PIL mode to uint8 grayscale (or BGR when the page has colour): 16-bit scaled, not clipped;
    transparency composited on white, because scans saved with alpha have the page in the alpha channel's
    opaque part and 'transparent' meaning paper."""
    from PIL import Image

    mode = frame.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(frame, dtype=np.float64)
        lo, hi = float(values.min()), float(values.max())
        top = 65535.0 if mode.startswith("I;16") or hi > 255 else 255.0
        if mode == "F" and hi <= 1.0:
            top = 1.0
        return (
            np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
            if hi > lo or hi > 0
            else np.zeros(values.shape, np.uint8)
        )
    if mode == "P":
        frame = frame.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        background = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(background, frame.convert("RGBA")).convert("RGB")
        mode = "RGB"
    if mode in ("1", "L"):
        return np.asarray(frame.convert("L"))
    rgb = np.asarray(frame.convert("RGB"))
    if is_grey(rgb):
        return np.asarray(frame.convert("L"))
    return np.ascontiguousarray(rgb[:, :, ::-1])  # BGR, OpenCV's order


def is_grey(rgb: np.ndarray) -> bool:
    sample = rgb[::8, ::8].astype(np.int16)
    spread = sample.max(axis=2) - sample.min(axis=2)
    return float(np.mean(spread > 24)) < 0.001
