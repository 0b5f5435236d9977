// an empty script, served as it is
