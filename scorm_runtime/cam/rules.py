"""The CAM requirements a package is refused under, as `InvalidPackage.rule` names them (launch-api.md, Courses).

Section numbers are those of the SCORM 2004 4th Edition CAM book (Version 1.1), used for SCORM 1.2 packages too;
the 1.2-only adlcp elements (masteryscore, maxtimeallowed, prerequisites, ...) are extensions of <item> and are
cited under its section."""
from __future__ import annotations

PACKAGE = "SCORM CAM 3.2"                 # Content Package Components: an XML manifest at the package root
MANIFEST = "SCORM CAM 3.4.1.1"            # <manifest> Element
ORGANIZATIONS = "SCORM CAM 3.4.1.6"       # <organizations> Element (default, at least one <organization>)
ORGANIZATION = "SCORM CAM 3.4.1.7"        # <organization> Element (identifier, items)
ITEM = "SCORM CAM 3.4.1.9"                # <item> Element (identifier, identifierref, leaf items reference resources)
TIME_LIMIT_ACTION = "SCORM CAM 3.4.1.13"  # <adlcp:timeLimitAction> Element
DATA_FROM_LMS = "SCORM CAM 3.4.1.14"      # <adlcp:dataFromLMS> Element
COMPLETION_THRESHOLD = "SCORM CAM 3.4.1.15"  # <adlcp:completionThreshold> Element
DATA = "SCORM CAM 3.4.1.18"               # <adlcp:data> Element (4th Edition)
MAP = "SCORM CAM 3.4.1.19"                # <adlcp:map> Element (4th Edition)
RESOURCE = "SCORM CAM 3.4.1.23"           # <resource> Element (identifier, scormType, href of referenced resources)
FILE = "SCORM CAM 3.4.1.25"               # <file> Element
DEPENDENCY = "SCORM CAM 3.4.1.27"         # <dependency> Element
XML_BASE = "SCORM CAM 3.4.3.1"            # Handling the XML Base Attribute
PARAMETERS = "SCORM CAM 3.4.3.3"          # Handling Additional Parameters as Part of URLs
SEQUENCING = "SCORM CAM 5.1.1"            # <sequencing> Element (and its children, IDRef into sequencingCollection)
