from digesttui.cli import main

raise SystemExit(main())
