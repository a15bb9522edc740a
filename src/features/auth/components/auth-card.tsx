import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

/** The narrow centred card of the pages a signed-out person sees (sign in, invite links). */
export function AuthCard({
  title,
  description,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-md pt-4 sm:pt-10">
      <Card>
        <div className="space-y-5 p-6 sm:p-8">
          <div>
            <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
            {description && <div className="mt-1 text-sm text-slate-600">{description}</div>}
          </div>
          {children}
        </div>
      </Card>
    </div>
  );
}
