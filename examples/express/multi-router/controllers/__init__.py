"""The example's two API versions, one Router each."""
