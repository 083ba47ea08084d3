"""The analysts' desk: a Streamlit app over the store and extraction layers (public functions only)."""
