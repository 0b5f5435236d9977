"""HTTP policies as data: status phrases, MIME types, ETags, URL and HTML encoding."""
