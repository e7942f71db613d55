
*
€x€‚ÿ÷ŽBfloat16_typed