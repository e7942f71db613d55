
	opt_empty