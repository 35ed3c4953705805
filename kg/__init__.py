"""kg: responsibility knowledge graphs from Chinese government task documents."""

__version__ = "0.1.0"
