"""Input and output that loses nothing: bytes to text (``reading``), text to lines and back
(``lines``), the labeled-lines format (``labeled``) and atomic writes (``atomic``)."""
