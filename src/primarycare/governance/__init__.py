"""Commissioning governance: registers of interests and gifts, conflicts per agenda item, quorum, decisions."""
