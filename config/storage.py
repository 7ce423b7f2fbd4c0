"""Uploaded files in S3-compatible object storage (django-storages), with links a browser can open.

The application reaches the object store at ``endpoint_url`` (in docker-compose ``http://minio:9000``, a
name only the containers resolve), while the links it hands out must use the address people reach it at
(``http://localhost:9000``). A presigned URL's signature covers its host, so rewriting the host afterwards
would break it: with ``public_endpoint_url`` set, links are signed for that address instead (signing is
local, no request is made). The bucket stays private; every link expires after ``querystring_expire``.
"""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class MediaStorage(S3Storage):
    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": None}

    @property
    def public_connection(self):
        connection = getattr(self._connections, "public_connection", None)
        if connection is None:
            connection = self._create_session().resource(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.public_endpoint_url,
                config=self.client_config,
                verify=self.verify,
            )
            self._connections.public_connection = connection
        return connection

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters, expire, http_method)
        params = {
            **(parameters or {}),
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
        }
        return self.public_connection.meta.client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
