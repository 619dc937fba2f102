"""The reference scenario: the article's history (article.py), loaded through the public gRPC
APIs (loader.py) and read back (summary.py). ``lab27 load-scenario`` and ``lab27 summary``."""
