"""Photo uploads from phones: sniffed, size- and bomb-checked, turned upright, re-encoded without metadata.

A resident's photo carries where it was taken (EXIF GPS) and often the phone's make and owner; none of
that is stored. The pixels are decoded and written again into a fresh image, so no EXIF, XMP, ICC
profile, comment or text chunk survives. The client's file name and content type are never trusted:
Pillow reads the bytes, and only JPEG, PNG and WebP are opened at all. The stored name is a uuid.

Animated PNG/WebP and multi-picture JPEGs (MPO): the first frame is kept (a still photo is what a
report needs); they are not refused for being animated.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from gongzhi.core.errors import field_error

MAX_PHOTOS = 9
MAX_PIXELS = 40_000_000  # width × height as declared in the header, checked before decoding
MAX_SIDE = 2560  # the long side after downscaling
ACCEPTED = "JPEG、PNG、WebP"

# Pillow format name → (content type, extension)
_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
_FOLDER_RE = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")
_NAME_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f<>\"'`]")


@dataclass(frozen=True)
class CleanImage:
    data: bytes  # re-encoded image with all metadata removed
    content_type: str  # image/jpeg | image/png | image/webp
    extension: str  # "jpg" | "png" | "webp"
    width: int
    height: int
    sha256: str  # of data


def clean_image(upload: Any, *, field: str = "photos") -> CleanImage:
    """One uploaded photo (a Django ``UploadedFile`` or bytes), cleaned; any refusal is a field error."""
    return _clean(upload, field=field, label=_label(upload, None))


def clean_images(
    uploads: list[Any] | None, *, field: str = "photos", max_count: int = MAX_PHOTOS
) -> list[CleanImage]:
    """Several photos; more than ``max_count`` is refused before any is read."""
    uploads = list(uploads or [])
    if len(uploads) > max_count:
        raise field_error(
            field,
            gettext("最多上传%(max_count)s张照片，本次选择了%(len)s张")
            % {"max_count": max_count, "len": len(uploads)},
        )
    return [_clean(u, field=field, label=_label(u, i)) for i, u in enumerate(uploads, start=1)]


def store_image(image: CleanImage, *, folder: str) -> str:
    """Save under ``folder/YYYY/MM/<uuid4>.<ext>`` through default storage; returns the storage name."""
    if not _FOLDER_RE.match(folder):
        raise ValueError(f"folder must be lowercase path segments, got {folder!r}")
    if image.extension not in {ext for _, ext in _FORMATS.values()}:
        raise ValueError(f"unexpected extension {image.extension!r}")
    now = timezone.localtime()
    name = f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{image.extension}"
    return default_storage.save(name, ContentFile(image.data))


# --- internals ---------------------------------------------------------------------------------


def _label(upload: Any, index: int | None) -> str:
    """How a message names the file: its base name (for the person, never for storage) or its position."""
    raw = getattr(upload, "name", None)
    if isinstance(raw, str) and raw.strip():
        base = raw.replace("\\", "/").rsplit("/", 1)[-1]
        base = _NAME_UNSAFE_RE.sub("", base).strip()
        if len(base) > 40:
            base = base[:20] + "…" + base[-12:]
        if base:
            return f"“{base}”"
    return f"第{index}张图片" if index else "图片"


def _read_limited(upload: Any, limit: int, *, field: str, label: str) -> bytes:
    too_big = field_error(
        field, gettext("%(label)s太大：每张照片不能超过%(mib)s") % {"label": label, "mib": _mib(limit)}
    )
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
        if len(data) > limit:
            raise too_big
        return data
    if not hasattr(upload, "read"):
        raise field_error(field, gettext("%(label)s不是上传的文件") % {"label": label})
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_big
    stream: IO[bytes] = upload
    if hasattr(stream, "seek"):
        stream.seek(0)
    data = stream.read(limit + 1)  # the declared size may lie: never read more than the limit allows
    if len(data) > limit:
        raise too_big
    return data


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g}MB" if n >= 1024 * 1024 else f"{n}字节"


def _clean(upload: Any, *, field: str, label: str) -> CleanImage:
    data = _read_limited(upload, settings.PHOTO_MAX_BYTES, field=field, label=label)
    if not data:
        raise field_error(field, gettext("%(label)s是空文件") % {"label": label})
    not_image = field_error(
        field,
        gettext(
            "%(label)s不是可接受的图片：只接受%(ACCEPTED)s格式（HEIC等格式请先转为JPEG，iPhone可在“设置—相机—格式”中选择“兼容性最佳”）"
        )
        % {"label": label, "ACCEPTED": ACCEPTED},
    )
    bomb = field_error(field, f"{label}像素过多（超过{MAX_PIXELS // 10_000}万像素），请缩小后再上传")
    broken = field_error(field, gettext("%(label)s已损坏或不完整，请重新选择") % {"label": label})
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im: Image.Image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise bomb from exc
        except UnidentifiedImageError as exc:
            raise not_image from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise broken from exc
        with im:
            # Pillow names a JPEG with a multi-picture index (many phones write one) "MPO": it is a JPEG.
            fmt = "JPEG" if im.format == "MPO" else (im.format or "")
            if fmt not in _FORMATS:
                raise not_image
            width, height = im.size
            if width <= 0 or height <= 0:
                raise broken
            if width * height > MAX_PIXELS:
                raise bomb
            try:
                pixels = _decode(im, fmt)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise bomb from exc
            except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
                raise broken from exc
    content_type, extension = _FORMATS[fmt]
    out = io.BytesIO()
    if fmt == "JPEG":
        pixels.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85, method=4)
    encoded = out.getvalue()
    return CleanImage(
        data=encoded,
        content_type=content_type,
        extension=extension,
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(encoded).hexdigest(),
    )


def _decode(im: Image.Image, fmt: str) -> Image.Image:
    """Decode the first frame fully (truncation is an error), turn it upright, downscale, and copy the
    pixels into a fresh image that carries no metadata at all."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone turned it on globally; a half photo is still refused
        raise OSError("truncated images are not accepted")
    if fmt == "JPEG":
        # Let libjpeg scale down by 1/2, 1/4 or 1/8 while decoding: a 40 MP photo never sits in memory.
        scale = MAX_SIDE / max(im.size)
        if scale < 1:
            im.draft(None, (max(1, int(im.width * scale) + 1), max(1, int(im.height * scale) + 1)))
    im.seek(0)
    im.load()
    icc = im.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(im)
    except (
        OSError,
        SyntaxError,
        ValueError,
        KeyError,
        TypeError,
    ):  # a broken EXIF block: keep the pixels as they are
        upright = im
    upright.load()
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    if fmt == "JPEG":
        mode = "L" if upright.mode == "L" else "RGB"
    elif has_alpha:
        mode = "RGBA"
    else:
        mode = "L" if (fmt == "PNG" and upright.mode in ("L", "1")) else "RGB"
    converted = _to_srgb(upright, icc, mode) if icc else None
    if converted is None:
        converted = upright.convert(mode) if upright.mode != mode else upright
    converted.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from raw pixels: no info dict, no EXIF, no XMP, no ICC, no comments, no text chunks.
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _to_srgb(im: Image.Image, icc: bytes, mode: str) -> Image.Image | None:
    """Colours from an embedded profile (e.g. Display P3 on iPhones) mapped to sRGB, so the profile can go."""
    if mode not in ("RGB", "RGBA") or im.mode not in ("RGB", "RGBA", "CMYK"):
        return None
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        out_mode = mode if im.mode != "CMYK" else "RGB"
        result = ImageCms.profileToProfile(im, src, dst, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None
    if result is None:
        return None
    return result.convert(mode) if result.mode != mode else result


def store_photo_rows(images: list[CleanImage], *, folder: str, model: Any, **owner: Any) -> list[Any]:
    """Store each checked image and write its photo row of ``model`` (``owner``: the row it belongs to, as
    ``visit=visit``): file, content type, size in pixels and bytes, SHA-256, in one ``bulk_create``. Called
    last in a service, so only the commit can fail after the files are written; a failure while writing
    deletes the files already written, then re-raises."""
    names: list[str] = []
    try:
        rows = []
        for image in images:
            name = store_image(image, folder=folder)
            names.append(name)
            rows.append(
                model(
                    **owner,
                    file=name,
                    content_type=image.content_type,
                    width=image.width,
                    height=image.height,
                    sha256=image.sha256,
                    size=len(image.data),
                )
            )
        return list(model.objects.bulk_create(rows))
    except Exception:
        for name in names:
            default_storage.delete(name)
        raise
