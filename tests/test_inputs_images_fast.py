"""Stage 1 (load), image files: OpenCV's decode of plain PNG/JPEG pages gives exactly Pillow's result,
and everything that is not plain (palette, alpha, 16-bit, EXIF orientation, several frames) is left
to Pillow."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, PngImagePlugin

from pipeline.load.image import decode_plain_image, load_image_frame, load_image_frame_with_pillow, open_image


def page(width=300, height=420) -> Image.Image:
    image = Image.new("RGB", (width, height), (245, 243, 240))
    draw = ImageDraw.Draw(image)
    for row in range(10):
        draw.rectangle([20, 20 + row * 38, 40 + row * 25, 34 + row * 38], fill=(20, 20, 25))
    return image


def coloured(image: Image.Image) -> Image.Image:
    image = image.copy()
    ImageDraw.Draw(image).rectangle([150, 40, 280, 160], fill=(200, 30, 30))  # a red stamp
    return image


def took_fast_path(path: Path) -> bool:
    with open_image(path) as image:
        return decode_plain_image(path, image) is not None


def save(image: Image.Image, path: Path, **kwargs) -> Path:
    image.save(path, **kwargs)
    return path


@pytest.mark.parametrize("name,make", [
    ("gray.png", lambda: page().convert("L")),
    ("grey-rgb.png", page),  # RGB but grey: converted to L the way Pillow converts
    ("colour.png", lambda: coloured(page())),  # colour: BGR
    ("gray.jpg", lambda: page().convert("L")),
    ("colour.jpg", lambda: coloured(page())),
    ("grey-rgb.jpg", page),
])
def test_plain_images_decode_to_exactly_what_pillow_gives(tmp_path, name, make):
    path = save(make(), tmp_path / name)
    assert took_fast_path(path)
    assert np.array_equal(load_image_frame(path, 1), load_image_frame_with_pillow(path, 1))


def test_png_with_text_metadata_and_colour_profile_still_matches(tmp_path):
    from PIL import ImageCms

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "scanner 1.0")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = save(coloured(page()), tmp_path / "meta.png", pnginfo=info, icc_profile=srgb)
    assert took_fast_path(path)  # neither decoder applies the profile
    assert np.array_equal(load_image_frame(path, 1), load_image_frame_with_pillow(path, 1))


def exif_rotated_jpeg(path: Path) -> Path:
    image = page().convert("L")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise to display
    image.save(path, exif=exif.tobytes())
    return path


def test_not_plain_images_are_left_to_pillow(tmp_path):
    cases = {
        "palette.png": lambda p: save(page().convert("P"), p),
        "alpha.png": lambda p: save(page().convert("RGBA"), p),
        "la.png": lambda p: save(page().convert("LA"), p),
        "16bit.png": lambda p: save(Image.fromarray((np.asarray(page().convert("L")).astype(np.uint16) * 257)), p),
        "bilevel.png": lambda p: save(page().convert("1"), p),
        "transparent.png": lambda p: save(page().convert("L"), p, transparency=245),
        "itxt.png": lambda p: save(page().convert("L"), p, pnginfo=itxt_info()),
        "exif.jpg": exif_rotated_jpeg,
        "cmyk.jpg": lambda p: save(page().convert("CMYK"), p),
        "tiff.tif": lambda p: save(page().convert("L"), p),
    }
    for name, make in cases.items():
        path = make(tmp_path / name)
        assert not took_fast_path(path), name
        load_image_frame(path, 1)  # and still loads through Pillow


def itxt_info() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta><rdf:Description tiff:Orientation="6"/></x:xmpmeta>')
    return info


def test_exif_rotation_is_still_applied(tmp_path):
    path = exif_rotated_jpeg(tmp_path / "r.jpg")
    assert load_image_frame(path, 1).shape == (300, 420)  # displayed turned: width and height swap
