import sys

from tldr_forkserver.main import main

sys.exit(main())
