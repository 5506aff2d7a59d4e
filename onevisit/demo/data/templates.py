"""Charter templates (三定规定) per line of work, written for the demo.

Each organ template lists its main functions (3–8) and its line-specific internal
bodies; the builder adds the common bodies (办公室, and at province and city level a
personnel body, plus a policy and regulations body for government departments).
"""

from __future__ import annotations

from .templates_core import TEMPLATES as CORE
from .templates_sectors import TEMPLATES as SECTORS

COMMON_BODIES_PARTY = (
    ("办公室", "负责机关日常运转，承担文电、会务、机要、档案、保密和督查工作。"),
)
COMMON_BODIES_GOVERNMENT = (
    ("办公室", "负责机关日常运转，承担文电、会务、机要、档案、信息公开和政务服务协调工作。"),
    ("政策法规处", "起草有关地方性法规和规章草案，承担规范性文件合法性审查、行政复议和应诉工作。"),
)
PERSONNEL_BODY = ("人事处", "承担机关和所属单位的干部人事、机构编制、教育培训和队伍建设工作。")

ORGAN_TEMPLATES = {**CORE, **SECTORS}
