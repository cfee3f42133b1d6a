"""boilerstrip: label every line of a scraped page as article or boilerplate, keep the article."""

from boilerstrip.api import (LineLabel, PageResult, SiteMemory, classify, classify_many,
                             classify_pages, load_model, site_of, strip, strip_html, strip_many)
from boilerstrip.errors import (BoilerstripError, EncodingError, InputError, LabeledDataError,
                                ModelError, PageTimeout)

__all__ = ["strip", "strip_html", "strip_many", "classify", "classify_many", "classify_pages",
           "load_model", "SiteMemory", "site_of", "LineLabel", "PageResult", "BoilerstripError", "EncodingError",
           "InputError", "LabeledDataError", "ModelError", "PageTimeout"]
__version__ = "0.1.0"
