"""Static files in production: content-hashed names, gzip and Brotli copies, cached for a year."""

import os

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """collectstatic writes each file under a name carrying a hash of its content, with .gz and .br
    copies beside it. Our ES modules import each other by relative path ("./map-format.js"): rewriting
    those imports to the hashed names too keeps a browser from loading a stale module after a release,
    and lets every module be cached as immutable."""

    support_js_module_import_aggregation = True


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with a hashed file cached for one year (immutable) instead of WhiteNoise's ten: a
    year is the conventional ceiling (HTTP/1.1, RFC 2616, asked for no Expires more than a year ahead)."""

    FOREVER = 365 * 24 * 60 * 60

    def add_files(self, root, prefix=None):
        # In development the finders serve every file: a STATIC_ROOT that collectstatic has not filled yet is
        # expected there, not worth WhiteNoise's warning on every start.
        if self.use_finders and os.fspath(root) == os.fspath(settings.STATIC_ROOT) and not os.path.isdir(root):
            return
        super().add_files(root, prefix)
