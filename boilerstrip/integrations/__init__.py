"""boilerstrip inside the engines corpus builders and scrapers run, one module an engine,
each with its optional extra (``pip install boilerstrip[datatrove]``, ``[spark]``,
``[scrapy]``).  The core library never imports these modules."""
