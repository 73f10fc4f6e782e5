#!/bin/sh
echo [% .project_slug %]
