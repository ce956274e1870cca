"""The open-data archive as a public download."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from .archive import archive_filename, build_archive, fingerprint

CACHE_SECONDS = 60 * 60


@require_safe
def open_data_archive(request: HttpRequest) -> HttpResponse:
    """The whole plan, data and public decisions as one ZIP; the ETag is its checksum.

    Building it takes a while, so the archive is kept in the cache under a fingerprint of the
    data: any change gives a new key, and a public URL cannot be used to make the server rebuild
    the same archive again and again.
    """
    key = f"retning-open-data:{fingerprint()}"
    content = cache.get(key)
    if content is None:
        content = build_archive()
        cache.set(key, content, CACHE_SECONDS)
    etag = f'"{hashlib.sha256(content).hexdigest()}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{archive_filename(content)}"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response
