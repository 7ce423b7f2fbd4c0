"""Writes to the photos of sets: every image is checked (size, pixel count, format, content type) first."""

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from config.exceptions import DomainError
from config.uploads import image_check_pixels
from locations import conf
from locations.models import Set, SetPhoto
from locations.services.catalogue import _require_owner, _validate
from studio.models import Organization

PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def set_photo_check(image) -> str:
    """Refuse a photo over the size or pixel budget, unreadable, or not what it claims; return its format."""
    if image.size > conf.photo_max_bytes():
        raise DomainError(
            _("The photo is larger than %(mb)d MB.") % {"mb": conf.photo_max_bytes() // (1024 * 1024)},
            code="photo_too_large",
            fields={"image": [_("Too large.")]},
        )
    # the pixel count is read from the header before anything else looks at the data (decompression bombs)
    image_check_pixels(image, max_pixels=conf.photo_max_pixels(), field="image", code="photo_too_large")
    try:
        image.seek(0)
        with Image.open(image) as probe:
            detected = probe.format
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            _("The file is not a readable image."),
            code="invalid_image",
            fields={"image": [_("Not an image.")]},
        ) from None
    finally:
        image.seek(0)
    if detected not in PHOTO_FORMATS:
        raise DomainError(
            _("Use a JPEG, PNG or WebP photo."),
            code="invalid_image",
            fields={"image": [_("Unsupported format.")]},
        )
    declared = getattr(image, "content_type", None)
    if declared and declared != PHOTO_FORMATS[detected]:
        raise DomainError(
            _("The file's content type does not match its contents."),
            code="invalid_image",
            fields={
                "image": [
                    _("Declared %(declared)s, but it is %(actual)s.")
                    % {"declared": declared, "actual": PHOTO_FORMATS[detected]}
                ]
            },
        )
    return detected


@transaction.atomic
def set_photo_add(
    *, organization: Organization, set_: Set, image, by, caption: str = "", position=None
) -> SetPhoto:
    """Attach a checked photo (format, content type, size, pixel count) to one of the operator's sets."""
    _require_owner(organization, set_.base)
    set_photo_check(image)
    if position is None:
        position = SetPhoto.objects.filter(set=set_).count()
    photo = SetPhoto(set=set_, caption=caption, position=position)
    photo.image.save(image.name.rsplit("/", 1)[-1], image, save=False)
    photo.save()
    return photo


@transaction.atomic
def set_photo_update(
    *, organization: Organization, photo: SetPhoto, by, image=None, caption=None, position=None
) -> SetPhoto:
    """Change a photo's caption or position, or replace its image (checked like a new photo)."""
    photo = SetPhoto.objects.select_for_update().select_related("set__base").get(pk=photo.pk)
    _require_owner(organization, photo.set.base)
    if caption is not None:
        photo.caption = caption
    if position is not None:
        photo.position = position
    if image is not None:
        set_photo_check(image)
        storage, old_name = photo.image.storage, photo.image.name
        photo.image.save(image.name.rsplit("/", 1)[-1], image, save=False)
        transaction.on_commit(lambda: storage.delete(old_name))
    _validate(photo, exclude=["image"])
    photo.save()
    return photo


@transaction.atomic
def set_photo_delete(*, organization: Organization, photo: SetPhoto, by) -> None:
    _require_owner(organization, photo.set.base)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
