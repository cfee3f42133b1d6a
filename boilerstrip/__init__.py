"""boilerstrip: label every line of a scraped page as article or boilerplate, keep the article."""

from boilerstrip.api import (LineLabel, PageResult, classify, classify_many, classify_pages,
                             load_model, strip, strip_html, strip_many)
from boilerstrip.errors import (BoilerstripError, EncodingError, InputError, LabeledDataError,
                                ModelError, PageTimeout)

__all__ = ["strip", "strip_html", "strip_many", "classify", "classify_many", "classify_pages",
           "load_model", "LineLabel", "PageResult", "BoilerstripError", "EncodingError",
           "InputError", "LabeledDataError", "ModelError", "PageTimeout"]
__version__ = "0.1.0"
