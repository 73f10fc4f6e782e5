NAME = [% .project_name | pyString %]
