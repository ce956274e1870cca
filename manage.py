#!/usr/bin/env python
from retning.cli import main

if __name__ == "__main__":
    main()
