
88úÿÿÿÿÿÿÿÿ8€€€€€€€8€€€€àÿÿÿÿBint64_unpacked •šï:©²unknown bytes½Ã	xÄba doc string