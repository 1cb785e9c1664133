from django.core.exceptions import ValidationError


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
