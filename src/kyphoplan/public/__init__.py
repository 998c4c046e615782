"""The public site: plain-language pages about kyphoplasty, in English and Spanish."""
