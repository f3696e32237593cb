"""Generic upload store (evidence, plan proof documents): see ``portal.uploads.store``."""
from portal.uploads.store import (AUDIO, EVIDENCE_KINDS, EXTENSIONS, IMAGES, PDF, StoredFile, UploadError, check,
                                  configure_uploads, delete, discard_pending, download, max_bytes, open_file,
                                  read_limited, save, save_stream, sniff)
from portal.uploads.store import clean_filename

__all__ = ["AUDIO", "EVIDENCE_KINDS", "EXTENSIONS", "IMAGES", "PDF", "StoredFile", "UploadError", "check",
           "configure_uploads", "delete", "discard_pending", "download", "max_bytes", "open_file",
           "read_limited", "save", "save_stream", "sniff", "clean_filename"]


def configure(app) -> None:
    configure_uploads(app)
