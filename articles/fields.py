"""The model fields the articles' models (and intake's) share: web addresses and uploaded images."""

from django.db import models

from .addresses import validate_web_url
from .images import ImageUploadField


class WebURLField(models.URLField):
    """A web address: http or https only, so a javascript: or data: URL never reaches a page."""

    default_validators = [validate_web_url]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class UploadedImageField(models.ImageField):
    """An uploaded image, checked by articles.images in the form and in the model alike."""

    # No check of the name's extension (Django's would list every one Pillow knows, pdf and eps
    # included): the format Pillow reads decides, and the stored name ends in that format's.
    default_validators = []

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadField, **kwargs})
