import io
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from gongzhi.core import images
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.images import MAX_PHOTOS, CleanImage, clean_image, clean_images, store_image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_bytes(size=(64, 32), color=(200, 30, 30), exif=None, **save):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", exif=exif if exif is not None else b"", **save)
    return buf.getvalue()


def png_bytes(size=(20, 10), mode="RGB", color=(0, 128, 255), **save):
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, "PNG", **save)
    return buf.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[MAKE] = "TestPhone"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (36.0, 40.0, 12.5)
    gps[3] = "E"
    gps[4] = (117.0, 1.0, 30.0)
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def pixel(im, xy):
    value = im.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(fn, *args, field="photos", **kwargs):
    with pytest.raises(ValidationFailed) as exc:
        fn(*args, field=field, **kwargs)
    assert exc.value.status == 400
    return exc.value.fields[field]


def test_gps_exif_is_gone():
    raw = jpeg_bytes(exif=gps_exif(), comment=b"owner: Zhang San")
    # the fixture really carries GPS, make and a comment
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(GPS_IFD)
        assert original.getexif()[MAKE] == "TestPhone"
        assert original.info.get("comment")
    clean = clean_image(upload(raw))
    assert isinstance(clean, CleanImage)
    assert (clean.content_type, clean.extension, clean.width, clean.height) == ("image/jpeg", "jpg", 64, 32)
    with Image.open(io.BytesIO(clean.data)) as im:
        assert im.format == "JPEG"
        assert len(im.getexif()) == 0
        assert not im.getexif().get_ifd(GPS_IFD)
        for key in ("exif", "comment", "icc_profile", "xmp", "XML:com.adobe.xmp"):
            assert key not in im.info
    assert b"TestPhone" not in clean.data and b"Zhang San" not in clean.data
    import hashlib

    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()


def test_png_text_chunks_and_icc_are_gone():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address here")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    raw = png_bytes(pnginfo=info, icc_profile=icc)
    clean = clean_image(raw)
    assert clean.content_type == "image/png"
    with Image.open(io.BytesIO(clean.data)) as im:
        assert not {"Comment", "XML:com.adobe.xmp", "icc_profile", "exif"} & set(im.info)
    assert b"home address" not in clean.data and b"secret" not in clean.data


def test_orientation_is_applied():
    # stored 64 wide × 32 high, left half red, right half blue; orientation 6 = "rotate 90° clockwise to view"
    im = Image.new("RGB", (64, 32), (255, 0, 0))
    im.paste((0, 0, 255), (32, 0, 64, 32))
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=gps_exif(orientation=6), quality=95)
    clean = clean_image(upload(buf.getvalue()))
    assert (clean.width, clean.height) == (32, 64)
    with Image.open(io.BytesIO(clean.data)) as out:
        assert ORIENTATION not in out.getexif()
        top, bottom = pixel(out, (16, 8)), pixel(out, (16, 56))
    # rotated clockwise: what was on the left is now on top
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_downscaled_to_long_side():
    raw = jpeg_bytes(size=(4000, 1000))
    clean = clean_image(raw)
    assert (clean.width, clean.height) == (images.MAX_SIDE, 640)


def test_webp_and_transparent_png_keep_their_format():
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), (1, 2, 3)).save(buf, "WEBP")
    assert clean_image(buf.getvalue()).content_type == "image/webp"
    clean = clean_image(png_bytes(mode="RGBA", color=(0, 0, 0, 0)))
    with Image.open(io.BytesIO(clean.data)) as im:
        assert im.mode == "RGBA" and pixel(im, (0, 0))[3] == 0


def test_animated_image_keeps_the_first_frame():
    frames = [Image.new("RGB", (16, 16), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:])
    with Image.open(io.BytesIO(buf.getvalue())) as apng:
        assert getattr(apng, "n_frames", 1) == 3
    clean = clean_image(buf.getvalue())
    with Image.open(io.BytesIO(clean.data)) as im:
        assert getattr(im, "n_frames", 1) == 1
        assert pixel(im, (8, 8))[:3] == (255, 0, 0)


def test_multi_picture_jpeg_is_a_jpeg():
    buf = io.BytesIO()
    first, second = Image.new("RGB", (20, 20), (255, 0, 0)), Image.new("RGB", (20, 20), (0, 0, 255))
    first.save(buf, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(buf.getvalue())) as mpo:
        assert mpo.format == "MPO"
    clean = clean_image(buf.getvalue())
    assert clean.content_type == "image/jpeg"
    with Image.open(io.BytesIO(clean.data)) as im:
        assert im.format == "JPEG" and pixel(im, (10, 10))[0] > 200


def test_png_renamed_jpg_is_stored_as_png():
    # the name and the client type lie; the bytes decide
    clean = clean_image(upload(png_bytes(), name="x.jpg", content_type="image/jpeg"))
    assert (clean.content_type, clean.extension) == ("image/png", "png")


def test_text_file_renamed_jpg_is_refused():
    message = refused(clean_image, upload(b"just some text, not a photo\n" * 10, name="报告.jpg"))
    assert "“报告.jpg”" in message and "JPEG、PNG、WebP" in message


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_refused(fmt):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, fmt)
    message = refused(clean_image, upload(buf.getvalue(), name="a.png"))
    assert "只接受JPEG、PNG、WebP" in message


def test_heic_is_refused_with_the_accepted_formats():
    # the start of an HEIC file: an ISO-BMFF ftyp box with brand heic
    heic = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 200
    message = refused(clean_image, upload(heic, name="IMG_0001.HEIC", content_type="image/heic"))
    assert "IMG_0001.HEIC" in message and "只接受JPEG、PNG、WebP" in message and "HEIC" in message


def test_too_large_is_refused_before_decoding(settings, monkeypatch):
    settings.PHOTO_MAX_BYTES = 1000

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded a file that was too large")

    monkeypatch.setattr(images.Image, "open", no_decoding)
    message = refused(clean_image, upload(b"\xff\xd8" + b"x" * 2000, name="big.jpg"))
    assert "太大" in message and "big.jpg" in message
    assert "太大" in refused(clean_image, b"x" * 1001)


def test_size_that_lies_is_still_limited(settings):
    settings.PHOTO_MAX_BYTES = 1000
    liar = upload(b"x" * 5000)
    liar.size = 10  # a client- or handler-declared size is not trusted
    assert "太大" in refused(clean_image, liar)


def png_declaring(width, height):
    """A tiny valid-looking PNG whose header declares width × height pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 6000),  # 48 MP: above our limit, below Pillow's own warning threshold
        (10000, 10000),  # 100 MP: Pillow's DecompressionBombWarning, turned into an error
        (30000, 30000),  # 900 MP: Pillow's DecompressionBombError
    ],
)
def test_decompression_bomb_is_refused(width, height):
    raw = png_declaring(width, height)
    assert len(raw) < 200
    message = refused(clean_image, upload(raw, name="bomb.png"))
    assert "像素过多" in message and "bomb.png" in message


def test_pillow_bomb_warning_is_an_error_even_under_a_higher_own_limit(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 10**12)
    assert "像素过多" in refused(clean_image, png_declaring(10000, 10000))
    assert "像素过多" in refused(clean_image, png_declaring(30000, 30000))


def test_truncated_jpeg_is_refused():
    raw = jpeg_bytes(size=(400, 300))
    message = refused(clean_image, upload(raw[: len(raw) // 2], name="half.jpg"))
    assert "损坏或不完整" in message and "half.jpg" in message


def test_corrupt_png_is_refused():
    raw = png_declaring(100, 100)  # a header promising 100×100, with almost no pixel data
    assert "损坏或不完整" in refused(clean_image, raw)


def test_empty_file_is_refused():
    assert "空文件" in refused(clean_image, upload(b"", name="empty.jpg"))


def test_the_field_name_is_the_callers():
    assert "不是可接受的图片" in refused(clean_image, b"nope", field="result_photos")


def test_ten_photos_are_refused():
    photos = [upload(jpeg_bytes(), name=f"{i}.jpg") for i in range(MAX_PHOTOS + 1)]
    message = refused(clean_images, photos)
    assert "最多上传9张" in message and "10张" in message
    assert len(clean_images(photos[:MAX_PHOTOS])) == MAX_PHOTOS
    assert clean_images([]) == []


def test_clean_images_names_the_bad_one():
    photos = [upload(jpeg_bytes()), b"garbage", upload(jpeg_bytes())]
    assert "第2张图片" in refused(clean_images, photos)


def test_file_name_in_messages_is_only_the_base_name():
    message = refused(clean_image, upload(b"junk", name="../../etc/<b>passwd</b>.jpg"))
    assert "../" not in message and "<" not in message


def test_store_image_path_shape(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clean = clean_image(upload(jpeg_bytes(), name="../../evil name;rm -rf.jpg"))
    name = store_image(clean, folder="tickets/photos")
    assert re.fullmatch(r"tickets/photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name), name
    assert "evil" not in name and ".." not in name
    assert (tmp_path / name).read_bytes() == clean.data
    with default_storage.open(name) as fh:
        assert fh.read() == clean.data
    assert store_image(clean, folder="tickets/photos") != name  # a fresh uuid every time


@pytest.mark.parametrize("folder", ["../x", "/abs", "a//b", "A", "x/", ""])
def test_store_image_refuses_odd_folders(folder, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clean = clean_image(jpeg_bytes())
    with pytest.raises(ValueError):
        store_image(clean, folder=folder)
