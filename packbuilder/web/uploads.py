"""An upload handler that stops receiving a file once it passes the size limit.

Django would otherwise write a whole oversized file to a temporary file before the view could refuse
it. The names of the files skipped are left on the request for the view to report.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class LimitedUpload(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            too_large = getattr(self.request, "too_large", [])
            too_large.append(self.file_name)
            self.request.too_large = too_large  # type: ignore[union-attr]
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)  # type: ignore[no-any-return]
