"""Reading published NHS files (and the synthetic ones that copy them) into an Economy, all or nothing."""
