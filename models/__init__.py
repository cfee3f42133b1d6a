"""The shipped models, installed as the package data ``boilerstrip._models``."""
