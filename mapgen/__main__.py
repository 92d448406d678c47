from mapgen.cli import main

raise SystemExit(main())
