"""Network models, split by sub-domain; import them from here (``network.models.X``)."""

from network.models.audit import AuditLogEntry
from network.models.directory import DirectoryChange, DirectoryEntry, DirectoryVersion
from network.models.members import Audience, MemberProfile, User, UserManager
from network.models.reference import Country, Language, Party, Region, Topic

__all__ = [
    "Audience",
    "AuditLogEntry",
    "Country",
    "DirectoryChange",
    "DirectoryEntry",
    "DirectoryVersion",
    "Language",
    "MemberProfile",
    "Party",
    "Region",
    "Topic",
    "User",
    "UserManager",
]
