"""Publishing: the one Jinja environment, pages, errata, indexes, charts, downloads, the site and its preview."""
