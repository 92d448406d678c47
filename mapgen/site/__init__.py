"""The static site: pages, their data scripts and assets, figures, and the atomic swap into the output folder."""
