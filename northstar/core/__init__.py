"""Pure domain core of northstar: no Django, no clock reads, frozen dataclasses in and out."""
