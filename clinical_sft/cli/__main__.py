"""``python -m clinical_sft.cli`` (used with torchrun / accelerate launch)."""

from clinical_sft.cli import main

if __name__ == "__main__":
    main()
