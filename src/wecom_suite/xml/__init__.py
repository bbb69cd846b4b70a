"""Safe XML in and out: no DTDs, no entities, ever."""

from .safe_parser import XmlDict, XmlValue, as_list, parse_xml
from .writer import cdata, to_xml

__all__ = ["XmlDict", "XmlValue", "as_list", "cdata", "parse_xml", "to_xml"]
