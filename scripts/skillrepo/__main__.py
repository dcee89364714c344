from skillrepo.main import main

raise SystemExit(main())
