import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** Something a page needs did not load: what, the API's words, and a way to ask again. */
export function LoadError({
  title,
  message,
  onRetry,
  className,
}: {
  title: string;
  message: string;
  onRetry: () => Promise<void> | void;
  className?: string;
}) {
  return (
    <Alert
      tone="danger"
      title={title}
      className={className}
      action={
        <Button variant="secondary" size="sm" onClick={() => void onRetry()}>
          Try again
        </Button>
      }
    >
      {message}
    </Alert>
  );
}
