"""What each practice is owed under the national contract and under a local scheme, every pound explained."""
