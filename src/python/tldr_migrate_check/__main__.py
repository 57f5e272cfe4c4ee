import sys

from tldr_migrate_check.main import main

sys.exit(main())
