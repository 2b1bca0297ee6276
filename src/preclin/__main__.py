import sys

from preclin.cli import main

sys.exit(main())
