"""A storage backend that can store and read files but not list them, as some remote backends can't."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage


class UnlistableStorage(Storage):
    def __init__(self):
        self._files = FileSystemStorage(location=settings.MEDIA_ROOT)

    def _open(self, name, mode='rb'):
        return self._files.open(name, mode)

    def _save(self, name, content):
        return self._files.save(name, content)

    def delete(self, name):
        self._files.delete(name)

    def exists(self, name):
        return self._files.exists(name)

    def size(self, name):
        return self._files.size(name)

    def url(self, name):
        return self._files.url(name)
