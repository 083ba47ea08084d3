"""The analysts' desk: `streamlit run app.py` (or `claims serve`). Store: $CLAIMS_DB_URL or ./claims.db."""

from claims.app.main import main

main()
