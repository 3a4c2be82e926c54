"""Data sources (built-in and the user's own), preprocessing, augmentation, splits, loaders."""
from .base import SOURCES, DataInfo, DataSource, RawData, get_source, load_all, register

__all__ = ["SOURCES", "DataInfo", "DataSource", "RawData", "get_source", "load_all", "register"]
