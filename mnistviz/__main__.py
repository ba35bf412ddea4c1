from mnistviz.cli import main

raise SystemExit(main())
