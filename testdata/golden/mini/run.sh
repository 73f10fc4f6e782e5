#!/bin/sh
echo mini
